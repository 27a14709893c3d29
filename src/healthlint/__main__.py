import sys

try:
    from healthlint.cli import main
except KeyboardInterrupt:  # interrupted while starting up
    sys.stderr.write("healthlint: interrupted\n")
    sys.exit(130)

sys.exit(main())
