"""The template definition (SPEC §2) and its writer."""
