"""The window actions the suite's buttons open on the records behind a document."""


def records_action(records, xmlid, domain):
    """The window action ``xmlid`` showing ``domain`` only, with no Create button.

    ``records`` are the documents whose button asks (the user must be able to read them);
    ``domain`` selects what they lead to (their moves, their shipments).
    """
    records.check_access("read")
    action = records.env["ir.actions.act_window"]._for_xml_id(xmlid)
    action["domain"] = domain
    action["context"] = {"create": False}
    return action


def reopen_wizard(wizard, name=None):
    """The action showing ``wizard`` again in its dialog, after a step that keeps it open;
    ``name`` (translated by the caller) titles the dialog, else the wizard's own title."""
    action = {
        "type": "ir.actions.act_window",
        "res_model": wizard._name,
        "res_id": wizard.id,
        "view_mode": "form",
        "target": "new",
    }
    if name:
        action["name"] = name
    return action
