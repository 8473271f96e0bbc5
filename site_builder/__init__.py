"""site_builder: turns the Safeguarding Watch content records into a static site."""

__version__ = "0.1.0"
