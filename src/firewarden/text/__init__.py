"""Text handling: folding with an offset map, tokens, language identification."""
