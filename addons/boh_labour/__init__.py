from . import controllers, models, report
from .hooks import _link_standards_to_jobs
