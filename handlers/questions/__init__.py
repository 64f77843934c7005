"""Practice questions: answers from the organisation's own guidance, with citations."""
