"""What was said, judged: phrases, scoring, best/worst analysis, free-text checks, results."""
