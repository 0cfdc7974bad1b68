def show_domain_error(form, exc) -> None:
    """Put a service's refusal next to the field it names (or above the form): the one way
    every page shows a DomainError. Forms with their own mapping (ledger.forms.RecordForm)
    provide add_domain_error."""
    if hasattr(form, "add_domain_error"):
        form.add_domain_error(exc)
    else:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
