from django.contrib.admin.apps import AdminConfig


class SofaDocAdminConfig(AdminConfig):
    default_site = "sofadoc.admin_site.SofaDocAdminSite"
