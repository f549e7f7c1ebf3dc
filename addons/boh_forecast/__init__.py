from . import models, report, tools, wizards
