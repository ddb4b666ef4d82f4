"""The API's views, per resource. Each write calls the owning app's service; reads go through its selectors or
querysets. Permissions: api.permissions.ModelPermissions (the user's model permissions, "view" for reads)."""
