"""Speech engines: one module per engine, each turning a sentence into PCM."""
