"""gongkai (公开): read China's government information-disclosure annual reports into validated data.

    >>> import gongkai
    >>> report = gongkai.parse_path("report.txt")
    >>> report.to_json()["tables"]["requests"]["new_received"]["total"]
"""

from .api import parse_bytes, parse_path, report_files
from .errors import InputError
from .model import Cell, Finding, Report

__version__ = "0.1.0"
__all__ = ["Cell", "Finding", "InputError", "Report", "parse_bytes", "parse_path", "report_files", "__version__"]
