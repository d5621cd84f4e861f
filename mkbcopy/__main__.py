from mkbcopy.cli import main

main()
