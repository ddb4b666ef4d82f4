"""Staff roles: the ready-made groups every installation gets after `migrate` (roles.py says what each may do), and
the admin's throttled sign-in (forms.py)."""
