/* H5P.SingleChoiceSet */
