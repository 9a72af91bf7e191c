"""Web settings of machikpi's Django configuration (merged by
:func:`machikpi.adapters.django_settings.django_settings`).

Offline by design (LGWAN): static files are served by the application itself
through WhiteNoise from ``static/machikpi/`` (vendored, no CDN). Japanese
first, English switchable (``LocaleMiddleware``; catalogues in ``locale/``).
Login throttling by django-axes: 5 failures lock for 15 minutes, counted
per user name and address and also per address across user names (so
nobody can lock a known user out from elsewhere, nor try many names from one
address). Behind a reverse proxy the address is the client's only when
:data:`HTTPS_PROXY_ENV_VAR` names the proxy (``machikpi serve`` then takes the
client address from the proxy's ``X-Forwarded-For``); without it, everybody
behind the proxy shares the proxy's address and its lockout.

Security headers (:mod:`.headers`): a Content-Security-Policy on every page,
``Cache-Control: no-store`` on staff pages. Passwords: Django's validators
(at least :data:`MIN_PASSWORD_LENGTH` characters, not a common password, not
like the user name, not all digits).

HTTPS behind a reverse proxy (``$MACHIKPI_HTTPS_PROXY`` = the proxy's
address, e.g. ``127.0.0.1``; :func:`https_settings`): the proxy terminates
HTTPS and forwards to ``machikpi serve`` with ``X-Forwarded-Proto: https``
and ``X-Forwarded-For``; cookies are then ``Secure``, HSTS is sent (one
year), plain-HTTP requests are redirected to HTTPS, and Django trusts the
proxy's ``X-Forwarded-Proto`` (``SECURE_PROXY_SSL_HEADER``). Set it only when
the proxy overwrites those headers: otherwise a client could forge them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

#: Environment variable: comma-separated host names the server answers to
#: (besides localhost), e.g. ``kpi.city.example.lg.jp``.
HOSTS_ENV_VAR = "MACHIKPI_ALLOWED_HOSTS"
#: Environment variable: the address of the reverse proxy that terminates HTTPS
#: in front of ``machikpi serve`` (module docstring); unset: plain HTTP, no proxy.
HTTPS_PROXY_ENV_VAR = "MACHIKPI_HTTPS_PROXY"
#: Environment variable: the one municipality the public site serves (name, 都道府県+name or
#: 6-digit code, e.g. ``鯖江市`` or ``182079``); unset: every stored municipality, listed.
MUNICIPALITY_ENV_VAR = "MACHIKPI_MUNICIPALITY"
#: HSTS max-age behind the HTTPS proxy: one year.
HSTS_SECONDS = 365 * 24 * 3600
#: The shortest password Django's validators accept (``machikpi user add``, the admin).
MIN_PASSWORD_LENGTH = 12


def https_proxy() -> str | None:
    """The address of the HTTPS reverse proxy (``$MACHIKPI_HTTPS_PROXY``), or ``None``."""
    return os.environ.get(HTTPS_PROXY_ENV_VAR, "").strip() or None


def https_settings() -> dict[str, Any]:
    """The Django settings for running behind an HTTPS reverse proxy (module
    docstring); empty when :func:`https_proxy` is ``None``."""
    if https_proxy() is None:
        return {}
    return {
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": HSTS_SECONDS,
    }


def web_settings() -> dict[str, Any]:
    """The Django settings of the web application (module docstring)."""
    hosts = ["127.0.0.1", "localhost", "[::1]", "testserver"]
    hosts += [h.strip() for h in os.environ.get(HOSTS_ENV_VAR, "").split(",") if h.strip()]
    return {
        "ROOT_URLCONF": "machikpi.adapters.web.urls",
        "ALLOWED_HOSTS": hosts,
        "DEBUG": os.environ.get("MACHIKPI_DEBUG") == "1",
        "MIDDLEWARE": [
            "machikpi.adapters.web.headers.SecurityHeadersMiddleware",
            "django.middleware.security.SecurityMiddleware",
            "whitenoise.middleware.WhiteNoiseMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.locale.LocaleMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
            "axes.middleware.AxesMiddleware",
            # last: sees the views' exceptions first (a locked SQLite database → 503)
            "machikpi.adapters.web.busy.BusyDatabaseMiddleware",
        ],
        "AUTH_PASSWORD_VALIDATORS": [
            {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
            {
                "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
                "OPTIONS": {"min_length": MIN_PASSWORD_LENGTH},
            },
            {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
            {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
        ],
        "AUTHENTICATION_BACKENDS": [
            "axes.backends.AxesStandaloneBackend",
            "django.contrib.auth.backends.ModelBackend",
        ],
        "AXES_FAILURE_LIMIT": 5,
        "AXES_COOLOFF_TIME": 0.25,  # hours
        # a user name from one address, and one address across user names (module docstring)
        "AXES_LOCKOUT_PARAMETERS": [["username", "ip_address"], "ip_address"],
        "AXES_VERBOSE": False,
        # the Japanese lockout page for every login path (the admin's too)
        "AXES_LOCKOUT_CALLABLE": "machikpi.adapters.web.staff.login.lockout_response",
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [],
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.template.context_processors.i18n",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ],
        "LANGUAGES": [("ja", "日本語"), ("en", "English")],
        "LOCALE_PATHS": [str(HERE / "locale")],
        "USE_I18N": True,
        "STATIC_URL": "/static/",
        # the PDF report's bundled Japanese font, also the web pages' last resort
        "STATICFILES_DIRS": [("machikpi/fonts", str(HERE.parent / "reports" / "fonts"))],
        "STATIC_ROOT": None,
        "WHITENOISE_USE_FINDERS": True,
        "WHITENOISE_AUTOREFRESH": False,
        "LOGIN_URL": "/staff/login/",
        "LOGIN_REDIRECT_URL": "/staff/",
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": False,
        "REST_FRAMEWORK": {
            "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
            "DEFAULT_AUTHENTICATION_CLASSES": [
                "rest_framework.authentication.TokenAuthentication",
                "rest_framework.authentication.SessionAuthentication",
            ],
            "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
            "UNAUTHENTICATED_USER": None,
        },
        "MACHIKPI_MUNICIPALITY": os.environ.get(MUNICIPALITY_ENV_VAR, "").strip() or None,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        **https_settings(),
        "SPECTACULAR_SETTINGS": {
            "TITLE": "machikpi API",
            "DESCRIPTION": "Read-only JSON of the public plan data; token-authenticated writes of actual values.",
            "VERSION": "1",
            "SERVE_INCLUDE_SCHEMA": False,
        },
    }
