"""Imported only by the OCR pool's fork server, as its preload (see parallel.OcrPool): importing it
makes the importing process die with the process that started it. So when an ingest ends in any
way, a SIGKILL included (what the out-of-memory killer sends), the server goes with it, and the OCR
workers it forks go with the server (each asks the same in its initializer, `parallel.
_ocr_worker_init`). An ingest that ended while its server was still starting up ends it at once."""

import os

from minutesindex.parallel import POOL_OWNER_VARIABLE, die_with_parent

SERVER_PID = os.getpid()
die_with_parent()
if os.getppid() != int(os.environ.get(POOL_OWNER_VARIABLE) or os.getppid()):
    os._exit(0)
# The server's standard error, which the workers it forks inherit, goes nowhere: a worker reports
# through its page's future, and Tesseract's own messages are caught per page (ocr._tesseract_
# messages). What is left is a worker forked just as the ingest ends (Ctrl-C), failing to read its
# start-up state from an ingest that is gone: a traceback about the ingest's semaphores on the
# terminal of a command that ended as asked.
_devnull = os.open(os.devnull, os.O_WRONLY)
os.dup2(_devnull, 2)
os.close(_devnull)
