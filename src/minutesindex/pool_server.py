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
