"""Writers: a finished Book (and its narration) into files."""
