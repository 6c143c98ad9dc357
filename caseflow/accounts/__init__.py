"""Who may do what: the user, roles, access checks, sign-in security and the second factor."""
