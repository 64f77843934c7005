"""The person-name layers used by the person recogniser."""
