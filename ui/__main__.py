from trailkeep.ui.cli import main

main(obj={})
