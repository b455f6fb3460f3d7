"""`cscoach quiz`: questions made from the content plus a trainer-authored bank, solo or teams."""
