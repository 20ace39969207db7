"""Framework-free code shared by the services and the CLI: settings, authentication, logging."""
