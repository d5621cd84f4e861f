"""mkbcopy: persona-grounded draft campaign copy for the Mkb-route in het hbo."""

__version__ = "0.1.0"
