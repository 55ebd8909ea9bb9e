"""Pure rules of the programme: no Qt, no SQL, no files. Everything here is unit-testable."""
