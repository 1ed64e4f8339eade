"""The brand shop admin's URLs, included by superapp/urls.py at ``brand-admin/``."""

from miniprograms.shop.admin import brand_admin_site

urlpatterns, app_name, _namespace = brand_admin_site.urls
