"""Progress that lasts: the local history, what to practise next, reports, xAPI and an LRS."""
