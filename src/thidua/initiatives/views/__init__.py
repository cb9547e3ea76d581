"""Views of the initiatives app: applications here, councils and bank in their modules."""
