"""Date and number formats that differ from Django's for our readers (``FORMAT_MODULE_PATH``)."""
