"""Guidelines as code: YAML rule packs, layered built-in under the company's own."""
