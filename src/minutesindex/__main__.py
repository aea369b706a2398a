from minutesindex.cli import run

run()
