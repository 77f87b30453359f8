"""Running a build: settings, one post's build, the pipeline, state and the report."""
