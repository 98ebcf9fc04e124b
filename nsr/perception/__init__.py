"""p(symbol | segment): perception. ``nsr.perception.tokens`` imports torch; import it explicitly."""
