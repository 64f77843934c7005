"""Confidentiality moderation: the detector lives in ``detector``; the handler around it is separate."""
