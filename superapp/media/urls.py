"""The stored bytes of the embedded (filesystem) default, mounted at ``/media/`` by the project."""

from django.urls import path

from superapp.media.serving import media_file

urlpatterns = [path("<path:key>", media_file, name="media-file")]
