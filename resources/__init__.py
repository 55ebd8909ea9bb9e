"""Reference data shipped with the program: catalogue, clinics, fonts."""
