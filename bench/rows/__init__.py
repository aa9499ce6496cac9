"""One module per row of the table; each has ``run(context) -> list[Row]``."""
