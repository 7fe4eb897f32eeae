"""Sign-in settings that hold without Streamlit: is this a production deployment?"""

from __future__ import annotations

import os


def is_production() -> bool:
    """DTMATURITY_ENV=production: the app must not run in local mode (no sign-in)."""
    return os.environ.get("DTMATURITY_ENV", "").strip().lower() == "production"
