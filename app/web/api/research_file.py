"""REST resource `research_file`: a market research's files, read and deleted like any
record, `POST …/upload/` (multipart) to keep one and `GET …/<id>/download` to fetch it."""

from flask import request
from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.decorators import protect
from flask_babel import lazy_gettext as _

from app.core.models import Research
from app.core.services import research_file
from app.web.api.base import QmsModelRestApi
from app.web.api.import_endpoint import no_file, uploaded
from app.web.views.research import sent


class ResearchFileApi(QmsModelRestApi):
    """/api/v1/research_file/"""

    resource_name = "research_file"
    # Uploaded, never written field by field.
    include_route_methods = {"get", "get_list", "info", "delete", "export_xlsx"} | {
        "upload",
        "download",
        "related",
        "distinct",
    }

    @expose("/upload/", methods=["POST"])
    @protect()
    @safe
    def upload(self):
        """Keep a file of a research
        ---
        post:
          description: >-
            The file is checked (its size, and its type by its content: PDF, Word, Excel,
            PowerPoint, PNG, JPEG, CSV or text) and kept; a research whose report is
            reviewed or that was cancelled takes no more files.
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema:
                  type: object
                  required: [research, file]
                  properties:
                    research:
                      type: integer
                    file:
                      type: string
                      format: binary
                    description:
                      type: string
          responses:
            201:
              description: The file's record
            400:
              $ref: '#/components/responses/400'
            404:
              $ref: '#/components/responses/404'
            422:
              description: The file was refused, with the reason
        """
        upload = uploaded()
        if upload is None:
            return no_file(self)
        research_id = request.form.get("research", "")
        if not research_id.isdigit():
            return self.response_400(message=str(_("Name the research by its id.")))
        session = self.datamodel.session
        research = session.get(Research, int(research_id))
        if research is None:
            return self.response_404()

        def keep():
            record = research_file.attach(
                session, research, upload.read(), upload.filename, request.form.get("description")
            )
            session.commit()
            return self.response(201, id=record.id, result=self.show_model_schema.dump(record))

        return self._domain_call(keep)

    @expose("/<int:pk>/download", methods=["GET"])
    @protect()
    @safe
    def download(self, pk):
        """The file as it was uploaded
        ---
        get:
          parameters:
          - in: path
            name: pk
            schema:
              type: integer
          responses:
            200:
              description: The file, under the name it was uploaded with
            404:
              $ref: '#/components/responses/404'
        """
        return sent(self.datamodel.get(pk, self._base_filters)) or self.response_404()
