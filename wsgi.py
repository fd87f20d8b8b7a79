"""`gunicorn wsgi:app`"""

from congress import create_app

app = create_app()
