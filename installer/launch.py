"""Entry point for the bundled program (PyInstaller needs a script, not a console_scripts entry)."""
import sys

from clinic_app.cli import main

sys.exit(main())
