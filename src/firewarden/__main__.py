from firewarden.cli import main

main()
