from django.urls import NoReverseMatch, reverse

# (label, url name, permission needed): apps that are not installed yet simply do not show.
NAVIGATION = [
    ("Home", "home", None),
    ("Accounts", "account-list", "portal.view_account"),
    ("Submit feedback", "feedback:create", "feedback.add_feedbackticket"),
    ("My feedback", "feedback:mine", "feedback.add_feedbackticket"),
    ("Triage", "feedback:triage", "feedback.triage_feedbackticket"),
    ("Roadmap", "roadmap:board", "roadmap.view_roadmapitem"),
    ("My votes", "roadmap:my-votes", "roadmap.add_vote"),
    ("Betas", "roadmap:beta-list", "roadmap.view_betaprogram"),
    ("Launches", "roadmap:launch-calendar", "roadmap.view_launchplan"),
    ("Integration maps", "integrations:map-list", "integrations.view_integrationmap"),
    ("Sync", "integrations:sync", "integrations.view_syncrun"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, url_name, perm in NAVIGATION:
        if perm and not user.has_perm(perm):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": request.path == url})
    return {"nav_items": items}
