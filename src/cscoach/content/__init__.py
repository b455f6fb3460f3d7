"""Files -> model: the data types, the YAML reader, every format's description, the library."""
