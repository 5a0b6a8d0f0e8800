from wagtail import hooks

from lms.home.overview import HROverviewPanel


@hooks.register("construct_homepage_panels")
def add_hr_overview(request, panels):
    panel = HROverviewPanel(request.user)
    if any(panel.parts.values()):
        panels.insert(0, panel)
