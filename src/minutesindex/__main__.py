from minutesindex.cli import app

app()
