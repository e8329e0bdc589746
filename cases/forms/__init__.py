"""The cases forms, one module per screen or shared part (the signature box, feedback)."""
