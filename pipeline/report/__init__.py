"""Report, quote bank and REFI-QDA export."""
