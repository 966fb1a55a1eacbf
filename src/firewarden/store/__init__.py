"""Storage: the database engine, the tables and the migrations that create them."""
