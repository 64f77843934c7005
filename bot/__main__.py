import atexit
import logging
import os
import sys

from bot.cli import main

code = main()
# Leave without the interpreter's teardown: once the sentence model has been loaded, freeing it
# object by object takes seconds (tens on a busy machine), and Ctrl-C must stop the bot at
# once. What the bot wrote is flushed and the exit handlers run first; the database and the
# platforms were closed by `main`.
atexit._run_exitfuncs()
logging.shutdown()
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)
