import sys

from briefs.cli import main

sys.exit(main())
